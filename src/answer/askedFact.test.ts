import { describe, expect, it } from 'vitest';
import { SEED, seedText } from '../../tests/helpers/seedPassages.js';
import { FACT, asksPreciseFact, factStrength, numberAgreement, pointsBackToCause, readAskedFact, readSentence } from './askedFact.js';

/** The whole sentence of a seed article that starts with `opening` (up to its full stop). */
function seedSentence(id: string, opening: string) {
  const text = seedText(id);
  const start = text.indexOf(opening);
  if (start < 0) throw new Error(`"${opening}" is not in seed article ${id}`);
  const end = text.indexOf('.', text.indexOf(' ', start + opening.length));
  return readSentence(text.slice(start, end + 1));
}

const summits = seedSentence(SEED.relations, 'Cho đến nay, ASEAN và Liên Hợp Quốc đã tổ chức được 4');
const tenthSummit = seedSentence(SEED.dialogue, 'Tại Hội nghị Cấp cao ASEAN – Liên Hợp Quốc lần thứ 10');
const fourthSummit = seedSentence(SEED.relations, 'Hội nghị Cấp cao ASEAN-Liên Hợp Quốc lần thứ 4');
const conferences = seedSentence(SEED.dialogue, 'Trong năm tới, Việt Nam sẽ tổ chức');
const fiveIssues = seedSentence(SEED.dialogue, 'Có 5 vấn đề liên quan');
const speech = seedSentence(SEED.peace, 'Trong bài phát biểu của mình');
const meeting = seedSentence(SEED.peace, 'Phóng viên TTXVN tại Jakarta');
const councilTerm = seedSentence(SEED.dialogue, 'Với tư cách là Ủy viên không thường trực');

describe('readAskedFact', () => {
  it('reads ordinals written in words or digits, with the word before them', () => {
    const asked = readAskedFact('Hội nghị thượng đỉnh lần thứ ba họp tại đâu?');
    expect(asked.kind).toBe('place');
    expect(asked.numbers).toEqual([{ value: '3', before: 'thu' }]);
  });

  it('reads what "bao nhiêu" / "mấy" counts, typed with or without accents', () => {
    expect(readAskedFact('Năm tới Việt Nam tổ chức mấy hội nghị?').counted.slice(0, 2)).toEqual(['hoi', 'nghi']);
    expect(readAskedFact('co bao nhieu nuoc dong bao tro').counted[0]).toBe('nuoc');
  });

  it('counts nothing when a preposition follows "bao nhiêu": the question words decide the unit', () => {
    const invest = readAskedFact('Tập đoàn định đầu tư bao nhiêu vào hãng này?');
    expect(invest.counted).toEqual([]);
    expect(invest.unit).toBe('money');
    expect(readAskedFact('tap doan dinh dau tu bao nhieu vao hang nay').unit).toBe('money');
    // Untoned "tu" may be "tù": "bao nhieu tu nhan" still counts prisoners.
    expect(readAskedFact('co bao nhieu tu nhan').counted[0]).toBe('tu');
  });

  it('treats a span question as a time question that wants years', () => {
    const asked = readAskedFact('Việt Nam giữ ghế ở Hội đồng Bảo an trong nhiệm kỳ nào?');
    expect(asked).toMatchObject({ kind: 'time', period: true });
  });

  it('reads "đêm nào", "sáng nào", "tuần nào" as asking a time, like "ngày nào"', () => {
    expect(readAskedFact('Vụ trộm xảy ra đêm nào?').kind).toBe('time');
    expect(readAskedFact('vu trom xay ra dem nao').kind).toBe('time');
    expect(readAskedFact('Hai bên ký hợp đồng vào sáng nào?').kind).toBe('time');
    expect(readAskedFact('Giá vàng tăng mạnh nhất tuần nào?').kind).toBe('time');
  });
  it('asks for a day when the question asks which night or which morning', () => {
    expect(readAskedFact('Vụ trộm xảy ra đêm nào?').dateUnit).toBe('day');
    expect(readAskedFact('vu trom xay ra dem nao').dateUnit).toBe('day');
    expect(readAskedFact('Hai bên ký hợp đồng vào sáng nào?').dateUnit).toBe('day');
    const asked = readAskedFact('Vụ trộm xảy ra đêm nào?');
    expect(factStrength(readSentence('Tháng 3/2004, Sinh vào làm thợ sơn tại công ty.'), asked, { news: true })).toBeLessThan(FACT.strong);
    expect(factStrength(readSentence('Anh ta không giải thích được đêm 23/1 đang ở đâu.'), asked, { news: true })).toBeGreaterThanOrEqual(FACT.strong);
  });

  it('takes the kind of fact from the previous question when the follow-up names none', () => {
    expect(readAskedFact('Còn OSCE thì sao?', 'ASEAN có bao nhiêu thành viên?').kind).toBe('number');
  });
  it('keeps a follow-up\'s own open question ("làm gì", "thế nào") instead of asking the previous kind again', () => {
    const previous = 'Trong gia đình họ thì ai làm chủ?';
    expect(readAskedFact('Khi có nguyệt thực thì phụ nữ ở đó làm gì?', previous).kind).toBe('other');
    expect(readAskedFact('khi co nguyet thuc thi phu nu o do lam gi', previous).kind).toBe('other');
    expect(readAskedFact('Còn người chồng thì thế nào?', previous).kind).toBe('person');
    expect(readAskedFact('Còn OSCE thì sao?', previous).kind).toBe('person');
  });
  it('keeps a follow-up\'s own "<noun> nào" question instead of asking the previous kind again', () => {
    const previous = 'Bản vá MS05-024 của Microsoft được tung ra ngày nào?';
    expect(readAskedFact('Lỗi này nằm trong thành phần nào của Windows?', previous).kind).toBe('other');
    expect(readAskedFact('loi nay nam trong thanh phan nao cua windows', previous).kind).toBe('other');
    expect(readAskedFact('Bản nào không bị ảnh hưởng?', previous).kind).toBe('other');
    expect(readAskedFact('Còn bản vá MS05-051 thì sao?', previous).kind).toBe('time');
  });
});

describe('numberAgreement', () => {
  const third = readAskedFact('Hội nghị Cấp cao ASEAN-Liên Hợp Quốc lần thứ ba được tổ chức tại đâu?');

  it('matches the sentence that names the same ordinal', () => {
    expect(numberAgreement(summits, third)).toBe('match');
  });

  it('rejects a sentence about another occurrence ("lần thứ 10" for "lần thứ ba")', () => {
    expect(numberAgreement(tenthSummit, third)).toBe('conflict');
  });

  it('does not take a plain "3" for the ordinal "thứ ba"', () => {
    expect(fourthSummit.text).toContain('3 cấp');
    expect(numberAgreement(fourthSummit, third)).toBe('conflict');
  });

  it('is neutral when the question names no number', () => {
    expect(numberAgreement(tenthSummit, readAskedFact('Hội nghị Cấp cao diễn ra ở đâu?'))).toBe('neutral');
  });
});

describe('factStrength', () => {
  it('"bao nhiêu <thing>" is not answered by a date, an hour, an ordinal or a count of years', () => {
    const asked = readAskedFact('Có bao nhiêu nguyên thủ quốc gia dự Hội nghị cấp cao OSCE ở Astana?');
    const strength = (text: string) => factStrength(readSentence(text), asked);
    expect(strength('Đây là hội nghị cấp cao đầu tiên của OSCE trong vòng 11 năm qua.')).toBe(FACT.none);
    expect(strength('Ngày 1/12, tại diễn đàn Hội nghị ở Astana, ông Ban Ki-moon phát biểu.')).toBe(FACT.none);
    expect(strength('Năm 2010, hội nghị lần thứ 7 diễn ra lúc 9 giờ tại số 2 đại lộ chính.')).toBe(FACT.none);
    expect(strength('Nhà lãnh đạo 71 tuổi tới Astana.')).toBe(FACT.none);
    // A count of something else is still weak evidence; a count of heads of state answers exactly.
    expect(strength('Hội nghị có 56 đoàn tham dự.')).toBe(FACT.weak);
    expect(strength('Ba vị tổng thống đã tới Astana.')).toBe(FACT.weak);
    expect(strength('Hội nghị có 38 nguyên thủ quốc gia tham dự.')).toBe(FACT.exact);
    // Asked a count of years, a count of years answers.
    expect(factStrength(readSentence('OSCE đã 11 năm không họp cấp cao.'), readAskedFact('OSCE bao nhiêu năm không họp cấp cao?'))).toBeGreaterThan(FACT.none);
  });

  it('a place is named after its kind too: "tại thành phố Quảng Châu", "ở tỉnh Quảng Đông"', () => {
    const asked = readAskedFact('Cơ sở sản xuất trứng gà giả ở đâu?');
    expect(factStrength(readSentence('Cơ sở này đặt tại thành phố Quảng Châu, tỉnh Quảng Đông.'), asked)).toBe(FACT.strong);
    expect(factStrength(readSentence('Cơ sở này mỗi ngày làm ra hàng nghìn quả trứng gà giả.'), asked)).toBe(FACT.none);
  });

  it('"bao nhiêu X" is answered exactly by a count of X, weaker by any other number', () => {
    const asked = readAskedFact('Năm tới Việt Nam tổ chức bao nhiêu hội nghị?');
    expect(factStrength(conferences, asked)).toBe(FACT.exact);
    expect(factStrength(fiveIssues, asked)).toBe(FACT.weak);
  });

  it('a price is answered by a sum of money only, an age by years, a duration by a count of time', () => {
    const price = readAskedFact('Một đôi giày ở phố giày chôm giá bao nhiêu tiền?');
    expect(price.unit).toBe('money');
    expect(factStrength(readSentence('Giá từ 650.000 đồng trở lên.'), price)).toBe(FACT.exact);
    expect(factStrength(readSentence('Phố có hơn 30 cửa hàng bán đủ 12 nhãn hiệu giày.'), price)).toBe(FACT.none);
    // "bao nhiêu một năm" asks a rate per year, not a count of years; the currency may come first.
    const fee = readAskedFact('Học ở trường mất học phí bao nhiêu một năm?');
    expect(fee.unit).toBe('money');
    expect(factStrength(readSentence('Học phí là USD 600 cho cả năm học.'), fee)).toBe(FACT.exact);
    expect(factStrength(readSentence('Trường nhận học sinh từ năm 2004.'), fee)).toBe(FACT.none);
    // Untoned "gia" is also "quốc gia": no money is asked here.
    expect(readAskedFact('co bao nhieu quoc gia tham gia hoi nghi').unit).toBeNull();
    const age = readAskedFact('Những phụ nữ trong nghiên cứu trung bình bao nhiêu tuổi?');
    expect(factStrength(readSentence('Các phụ nữ tham gia có độ tuổi trung bình là 52 tuổi.'), age)).toBe(FACT.exact);
    expect(factStrength(readSentence('Nghiên cứu theo dõi 300 phụ nữ trong nhiều năm.'), age)).toBe(FACT.none);
    const duration = readAskedFact('Lễ duyệt binh kéo dài bao lâu?');
    expect(duration.kind).toBe('duration');
    expect(factStrength(readSentence('Lễ duyệt binh diễn ra trong 90 phút với hàng nghìn người.'), duration)).toBe(FACT.exact);
    // "ở tuổi 80" puts the count after the word.
    expect(factStrength(readSentence('Nhà văn qua đời tháng 3/2010 ở tuổi 80.'), readAskedFact('Nhà văn mất khi bao nhiêu tuổi?'))).toBe(FACT.exact);
    // "bán phá giá", "đánh giá" and "tiền đạo" hold "giá" and "tiền" without a price.
    expect(readAskedFact('Hai công ty cáo buộc thép bị bán phá giá với biên độ bao nhiêu?').unit).toBeNull();
    expect(readAskedFact('Bộ đánh giá dự án được bao nhiêu điểm?').unit).toBeNull();
    expect(readAskedFact('Tiền đạo này ghi được bao nhiêu bàn?').unit).toBeNull();
    expect(readAskedFact('Vé xem trận đấu giá bao nhiêu?').unit).toBe('money');
    const sentence = readAskedFact('Người mang lậu 610 viên kim cương bị phạt bao nhiêu năm tù?');
    expect(factStrength(readSentence('Tòa đã tuyên phạt Loh Kai Yeen 6 năm tù giam về tội vận chuyển trái phép.'), sentence)).toBe(FACT.exact);
  });

  it('"vì sao" is answered by a sentence that gives a cause; "hãng nào" by a name', () => {
    const why = readAskedFact('Vì sao điện thoại hay rơi xuống cống?');
    expect(why.kind).toBe('reason');
    expect(factStrength(readSentence('Hầu hết điện thoại bị rơi là do chủ máy nhét vào túi quần quá bó.'), why)).toBe(FACT.strong);
    expect(factStrength(readSentence('Thành phố có hơn 3.000 miệng cống trên các con phố.'), why)).toBe(FACT.none);
    const firm = readAskedFact('Đội bóng được doanh nghiệp nào tài trợ?');
    expect(firm.kind).toBe('organisation');
    expect(factStrength(readSentence('Được sự tài trợ của Thép Pomina, đội bóng đã vượt qua khó khăn.'), firm)).toBe(FACT.strong);
    expect(readAskedFact('Tổng thư ký ASEAN nào dự đối thoại?').kind).toBe('person');
  });

  it('"ai" is answered by a name the question does not give, best after the title it asks about', () => {
    const asked = readAskedFact('Tổng Thư ký ASEAN nào phát biểu tại cuộc họp do Ban Ki-moon chủ trì? Ai?');
    expect(factStrength(speech, asked)).toBe(FACT.exact);
    // Only Ban Ki-moon is named, and the question already names him.
    expect(factStrength(meeting, asked)).toBeLessThan(FACT.strong);
  });

  it('"nhiệm kỳ nào" is answered by a span of years, only weakly by a single date', () => {
    const asked = readAskedFact('Việt Nam giữ ghế ở Hội đồng Bảo an trong nhiệm kỳ nào?');
    expect(factStrength(councilTerm, asked)).toBe(FACT.exact);
    expect(factStrength(tenthSummit, asked)).toBe(FACT.weak);
    expect(factStrength(speech, asked)).toBe(FACT.none);
  });

  it('"ở đâu" is answered by a place the question does not already name', () => {
    expect(factStrength(tenthSummit, readAskedFact('Hội nghị Cấp cao lần thứ 10 diễn ra ở đâu?'))).toBe(FACT.strong);
    expect(factStrength(tenthSummit, readAskedFact('Hội nghị ở Bangkok, Thái Lan diễn ra ở đâu?'))).toBeLessThan(FACT.strong);
  });

  it('a percentage needs its number: "phần trăm" alone says the figure is missing', () => {
    const asked = readAskedFact('Việt Nam phải nhập khẩu bao nhiêu phần trăm lượng phân bón?');
    expect(asked.unit).toBe('percent');
    expect(factStrength(readSentence('Tới 95% lượng phân bón trông chờ vào nguồn nhập khẩu.'), asked)).toBe(FACT.exact);
    expect(factStrength(readSentence('Lượng nhập khẩu đã giảm mười hai phần trăm.'), asked)).toBe(FACT.exact);
    expect(factStrength(readSentence('Văn bản không nêu rõ doanh nghiệp được lãi bao nhiêu phần trăm.'), asked)).toBe(FACT.none);
  });

  it('"đường nào", "địa chỉ nào" ask for a place: a named street or a house number and street answer', () => {
    const street = readAskedFact('Phố bán giày cũ nằm trên đường nào?');
    expect(street.kind).toBe('place');
    expect(factStrength(readSentence('Trên đường Lê Thị Hồng Gấm, quận 1, có hơn 20 tiệm giày.'), street)).toBe(FACT.strong);
    expect(factStrength(readSentence('Phố dài khoảng 300 m có hơn 20 tiệm nằm san sát nhau.'), street)).toBe(FACT.none);
    const address = readAskedFact('tòa nhà nằm ở địa chỉ nào');
    expect(address.kind).toBe('place');
    expect(factStrength(readSentence('Thành phố gắn biển di tích cho tòa nhà 12 Ngô Quyền.'), address)).toBe(FACT.strong);
    // A number before one capitalised word is a count, not an address.
    expect(factStrength(readSentence('Tòa nhà có 12 phòng và 3 Tầng hầm.'), address)).toBeLessThan(FACT.strong);
  });

  it('"tên là gì" asks for the name of a thing: a capitalised or quoted name the question does not give', () => {
    const asked = readAskedFact('Robot mà tàu vũ trụ thả xuống sao chổi tên là gì?');
    expect(asked.kind).toBe('name');
    expect(readAskedFact('robot ma tau vu tru tha xuong sao choi ten la gi').kind).toBe('name');
    expect(factStrength(readSentence('Sao chổi này được đặt tên là Wirtanen theo tên người phát hiện.'), asked)).toBe(FACT.strong);
    expect(factStrength(readSentence('Tàu vũ trụ Near đã hạ cánh xuống thiên thạch Eros.'), asked)).toBe(FACT.strong);
    expect(factStrength(readSentence('Khó khăn nhất sẽ là công đoạn thả robot xuống.'), asked)).toBe(FACT.none);
    // "Ai" still asks for a person; "tên viết tắt" for an abbreviation.
    expect(readAskedFact('Ai là người đặt tên cho robot?').kind).toBe('person');
    expect(readAskedFact('Tên viết tắt của viện là gì?').kind).toBe('abbreviation');
  });

  it('a name right beside the thing whose name is asked is that thing\'s name, even one word or quoted', () => {
    const asked = readAskedFact('Robot mà tàu vũ trụ thả xuống sao chổi tên là gì?');
    expect(asked.role).toEqual(['robot']);
    expect(factStrength(readSentence('Con tàu sẽ gửi một robot nhỏ - Philae - đáp xuống bề mặt.'), asked)).toBe(FACT.exact);
    expect(factStrength(readSentence('Con tàu sẽ gửi một robot mang tên “Người dò đường” xuống.'), asked)).toBe(FACT.exact);
    // A name far from the robot names something else.
    expect(factStrength(readSentence('Tàu vũ trụ Near của NASA từng hạ cánh xuống thiên thạch Eros, một chuyến bay không hề có robot.'), asked)).toBe(FACT.strong);
    // "Tên của con tàu …": the thing is what follows "tên của".
    const ship = readAskedFact('Tên của con tàu vũ trụ đầu tiên là gì?');
    expect(ship.role).toEqual(['con', 'tau', 'vu']);
    expect(factStrength(readSentence('Con tàu mang tên Vostok bay năm 1961.'), ship)).toBe(FACT.exact);
  });

  it('"X làm đạo diễn" names the holder of the role the question asks about, like "đạo diễn X"', () => {
    const asked = readAskedFact('Ai đạo diễn vở kịch thiếu nhi của sân khấu nhỏ?');
    expect(factStrength(readSentence('Vở do Thanh Phương viết kịch bản, Vũ Minh làm đạo diễn, sẽ diễn 18 suất.'), asked)).toBe(FACT.exact);
    expect(factStrength(readSentence('Theo ông bầu Huỳnh Anh Tuấn, vở sẽ diễn ở rạp xiếc.'), asked)).toBe(FACT.strong);
  });

  it('"tỷ lệ … bao nhiêu" is answered best by a percentage, without requiring one', () => {
    const asked = readAskedFact('Ở vùng gần lò thiêu, tỷ lệ bà mẹ sinh đôi là bao nhiêu?');
    expect(asked.rate).toBe(true);
    expect(asked.unit).toBeNull();
    expect(factStrength(readSentence('Ở vùng này, 5,3% các bà mẹ sinh đôi.'), asked)).toBe(FACT.exact);
    expect(factStrength(readSentence('Cứ 20 bà mẹ thì có 1 người sinh đôi.'), asked)).toBe(FACT.strong);
  });

  it('reads "tỷ lệ", "Ba Lan" and "năm nay" as no number, "hai tỷ", "ba người" and "năm ngày" as numbers', () => {
    const rate = readAskedFact('Ở vùng gần lò thiêu, tỷ lệ bà mẹ sinh đôi là bao nhiêu?');
    expect(factStrength(readSentence('Tỷ lệ này rất cao ở những phụ nữ sống gần lò thiêu.'), rate)).toBe(FACT.none);
    expect(factStrength(readSentence('Tỷ giá và tỷ trọng đều tăng.'), rate)).toBe(FACT.none);
    const count = readAskedFact('Hội nghị có bao nhiêu đại biểu?');
    expect(factStrength(readSentence('Đoàn Ba Lan dự hội nghị hàng năm.'), count)).toBe(FACT.none);
    expect(factStrength(readSentence('Năm nay hội nghị đông hơn năm ngoái.'), count)).toBe(FACT.none);
    expect(factStrength(readSentence('Ba đoàn dự hội nghị.'), count)).toBe(FACT.weak);
    expect(factStrength(readSentence('Kinh phí hội nghị là hai tỷ đồng.'), count)).toBe(FACT.weak);
    const duration = readAskedFact('Hội nghị kéo dài bao lâu?');
    expect(factStrength(readSentence('Hội nghị kéo dài năm ngày.'), duration)).toBe(FACT.exact);
    expect(factStrength(readSentence('Hội nghị năm nay kéo dài.'), duration)).toBe(FACT.none);
  });

  it('"bao nhiêu người" is answered exactly by a count of any kind of people', () => {
    const asked = readAskedFact('Nước chủ nhà huy động bao nhiêu người bảo đảm an ninh?');
    expect(factStrength(readSentence('Tổng cộng 15.000 cảnh sát và tình nguyện viên sẽ được huy động.'), asked)).toBe(FACT.exact);
    expect(factStrength(readSentence('Có 15.000 xe được huy động.'), asked)).toBe(FACT.weak);
  });

  it('the name right beside the role the question asks about holds it, whatever the role', () => {
    const who = readAskedFact('Trưởng đoàn thanh tra của bộ ở Cần Thơ là ai?');
    expect(who.role).toEqual(['truong', 'doan', 'thanh']);
    expect(factStrength(readSentence('Ông Trần Văn Bình, trưởng đoàn thanh tra, cho biết sẽ công bố kết luận vào tuần sau.'), who)).toBe(FACT.exact);
    expect(factStrength(readSentence('Đoàn thanh tra đã làm việc với lãnh đạo Sở Xây Dựng trong ba ngày.'), who)).toBeLessThan(FACT.exact);
    // A name near other question words ("tại Đại học Cần Thơ") is not the role's holder.
    expect(factStrength(readSentence('Các chuyên gia tại Đại học Cần Thơ Nguyễn Thị Hoa và đồng nghiệp tham gia thanh tra.'), who)).toBeLessThan(FACT.exact);
    const named = readAskedFact('giam doc cong ty phan phoi xe o ha noi ten la gi');
    expect(named.kind).toBe('name');
    expect(factStrength(readSentence('Giám đốc công ty Alan Becker khẳng định giá xe sẽ không tăng.'), named)).toBe(FACT.exact);
    expect(readAskedFact('Ai là Tổng giám đốc hãng vào năm 2005?').role).toEqual(['tong', 'giam', 'doc']);
    expect(readAskedFact('Ai đã ký hiệp định?').role).toEqual([]);
  });

  it('"lúc mấy giờ" asks the hour, a precise fact: a date alone does not answer it', () => {
    const asked = readAskedFact('Buổi phỏng vấn bắt đầu lúc mấy giờ?');
    expect(asked).toMatchObject({ kind: 'time', hour: true });
    expect(asksPreciseFact(asked)).toBe(true);
    expect(readAskedFact('buoi phong van bat dau luc may gio').hour).toBe(true);
    expect(factStrength(readSentence('Buổi phỏng vấn diễn ra lúc 15h ngày 7/8.'), asked)).toBe(FACT.exact);
    expect(factStrength(readSentence('Buổi phỏng vấn diễn ra sáng ngày 12/8.'), asked)).toBe(FACT.none);
    expect(readAskedFact('Buổi phỏng vấn diễn ra ngày nào?').hour).toBe(false);
    // "11g30", "11g trưa" as some papers write the hour; "50g đường" is a weight.
    expect(factStrength(readSentence('Cuộc làm việc kéo dài đến hơn 11g trưa.'), asked)).toBe(FACT.exact);
    expect(factStrength(readSentence('Phiên tòa mở lúc 7g30.'), asked)).toBe(FACT.exact);
    expect(factStrength(readSentence('Cho thêm 50g đường vào nồi.'), asked)).toBe(FACT.none);
  });

  it('"tạp chí nào" asks for a publication: named with its kind or where a work appeared, not any new name', () => {
    const asked = readAskedFact('Nghiên cứu của Robert Shadwick được công bố trên tạp chí khoa học nào?');
    expect(asked).toMatchObject({ kind: 'organisation', publication: true });
    expect(readAskedFact('nghien cuu duoc dang tren tap chi nao').publication).toBe(true);
    expect(readAskedFact('Nghiên cứu do trường đại học nào thực hiện?').publication).toBe(false);
    expect(factStrength(readSentence('Nghiên cứu được đăng trên tạp chí khoa học Nature tuần này.'), asked)).toBe(FACT.strong);
    expect(factStrength(readSentence('Kết quả được công bố trên Science.'), asked)).toBe(FACT.strong);
    expect(factStrength(readSentence('Tờ New York Times cho biết như vậy.'), asked)).toBe(FACT.strong);
    // A study's university and city, a report's author: other names, not the journal.
    expect(factStrength(readSentence('Nhà nghiên cứu Robert Shadwick từ Đại học British Columbia ở Vancouver cho biết.'), asked)).toBe(FACT.none);
    expect(factStrength(readSentence('Theo báo cáo của Nhà Trắng, lạm phát sẽ tăng.'), asked)).toBe(FACT.none);
  });

  it('"ở độ tuổi nào" asks for an age, like "bao nhiêu tuổi"', () => {
    const asked = readAskedFact('Các em được phỏng vấn ở độ tuổi nào?');
    expect(asked).toMatchObject({ kind: 'number', unit: 'age' });
    expect(readAskedFact('cac em o do tuoi nao').unit).toBe('age');
    expect(factStrength(readSentence('Các em từ 7 đến 11 tuổi được hỏi.'), asked)).toBe(FACT.exact);
    expect(factStrength(readSentence('Nhóm nghiên cứu đã phỏng vấn 100 em.'), asked)).toBe(FACT.none);
  });

  it('"ngày nào" is not answered by a length of days: "tour 3 ngày 3 đêm" names no day', () => {
    const asked = readAskedFact('Tour khởi hành chuyến đầu tiên vào ngày nào?');
    expect(factStrength(readSentence('Tour 3 ngày 3 đêm, giá 777.000đ.'), asked)).toBe(FACT.none);
    expect(factStrength(readSentence('Tour khởi hành ngày 3 tháng 5.'), asked)).toBe(FACT.strong);
    expect(factStrength(readSentence('Lễ đính hôn diễn ra vào 27 tháng 8 năm 1325.'), asked)).toBe(FACT.strong);
  });

  it('"vì sao" is not answered by a "do" that names who did something ("do tài xế X điều khiển")', () => {
    const why = readAskedFact('Vì sao phanh của chiếc xe rác bị mất tác dụng?');
    expect(why.kind).toBe('reason');
    expect(factStrength(readSentence('Chiếc ôtô chở rác do tài xế Đàm Tấn Phát điều khiển đang chở rác từ quận 7 sang quận 4.'), why)).toBe(FACT.none);
    expect(factStrength(readSentence('Nghiên cứu do Đại học Keio thực hiện trên 4.500 người.'), why)).toBe(FACT.none);
    expect(factStrength(readSentence('Phanh mất tác dụng do rò rỉ dầu và lão hóa cao su.'), why)).toBe(FACT.strong);
    // A cause that only looks like an agent, across a comma, stays a cause.
    expect(factStrength(readSentence('Do công ty thua lỗ, ông An thành lập doanh nghiệp mới.'), why)).toBe(FACT.strong);
  });

  it('"vì sao" is not answered by "thay vì" nor by a consequence drawn from the sentence before', () => {
    const why = readAskedFact('Vì sao Nhà Trắng cho rằng lạm phát sẽ cao hơn dự kiến?');
    expect(factStrength(readSentence('Tăng trưởng GDP sẽ chỉ đạt 3,4% thay vì 3,5% như dự báo hồi tháng 12.'), why)).toBe(FACT.none);
    // "Vì vậy, …" tells the effect; its cause is the sentence before, which pointsBackToCause finds.
    expect(factStrength(readSentence('Vì vậy, cơ quan quản lý không thể chối bỏ trách nhiệm.'), why)).toBe(FACT.weak);
    expect(factStrength(readSentence('Đấy chính là lý do chính quyền quyết định di dời chợ nổi.'), why)).toBe(FACT.weak);
    expect(pointsBackToCause('Do đó, giá xăng tăng mạnh.')).toBe(true);
    expect(pointsBackToCause('Do mưa lớn, giá rau tăng mạnh.')).toBe(false);
    // Inside a sentence "vì vậy" follows the cause the sentence gives; "vì đó là …" gives one too.
    expect(factStrength(readSentence('Giá dầu tăng mạnh, vì vậy lạm phát sẽ cao hơn dự kiến.'), why)).toBe(FACT.strong);
    expect(factStrength(readSentence('Người dân rời đi vì đó là vùng ngập lụt.'), why)).toBe(FACT.strong);
    expect(factStrength(readSentence('Kết quả này có được chủ yếu là nhờ xuất khẩu hàng cao cấp.'), why)).toBe(FACT.strong);
    // "ảnh hưởng đến" tells an effect, whose cause may be anywhere: no cause by itself.
    expect(factStrength(readSentence('Cuộc khủng hoảng tài chính ảnh hưởng đến doanh thu và xuất khẩu.'), why)).toBe(FACT.none);
  });

  it('"bao nhiêu MB", "bao nhiêu gam" are answered only by a number in that unit, in any of its spellings', () => {
    const size = readAskedFact('Bản cập nhật của game PTV nặng bao nhiêu MB?');
    expect(asksPreciseFact(size)).toBe(true);
    expect(factStrength(readSentence('Sau khi cập nhật, từ 19 đến 21 giờ tối thứ 7 hàng tuần sẽ diễn ra các cuộc công thành.'), size)).toBe(FACT.none);
    expect(factStrength(readSentence('Bản cập nhật nặng 70MB.'), size)).toBe(FACT.exact);
    const weight = readAskedFact('dien thoai nang bao nhieu gam');
    expect(factStrength(readSentence('Máy dài 103 mm và nặng khoảng 126 g.'), weight)).toBe(FACT.exact);
    expect(factStrength(readSentence('1 con cua gạch sống khoảng 300g.'), readAskedFact('Cần con cua gạch khoảng bao nhiêu gam?'))).toBe(FACT.exact);
    expect(factStrength(readSentence('Máy dài 103 mm.'), weight)).toBe(FACT.none);
    // A count of things is no measure: "bao nhiêu người" keeps its own reading.
    expect(readAskedFact('Có bao nhiêu người tham dự?').measure).toBeNull();
  });

  it('"một số" (some) and "một tên nào" (any) count nothing; "một người" counts one', () => {
    const howMany = readAskedFact('Có bao nhiêu người bị bắt?');
    expect(factStrength(readSentence('Cảnh sát đã bắt một số người liên quan.'), howMany)).toBeLessThan(FACT.exact);
    expect(factStrength(readSentence('Kẻ tấn công hét lên không để một người nào sống sót.'), howMany)).toBeLessThan(FACT.exact);
    expect(factStrength(readSentence('Cảnh sát đã bắt một người đàn ông.'), howMany)).toBe(FACT.exact);
  });

  it('"ngày nào", "tháng mấy", "năm nào" ask for that part of a date; in news a coarser date is no answer', () => {
    const news = { news: true };
    const day = readAskedFact('Cao Đức Huy bị bắt vào ngày nào?');
    expect(day.dateUnit).toBe('day');
    expect(readAskedFact('cao duc huy bi bat vao ngay nao').dateUnit).toBe('day');
    expect(readAskedFact('Hội chợ mở cửa vào tháng mấy?').dateUnit).toBe('month');
    expect(readAskedFact('Việt Nam gia nhập WTO năm nào?').dateUnit).toBe('year');
    expect(readAskedFact('Khi nào hội chợ mở cửa?').dateUnit).toBeNull();
    expect(factStrength(readSentence('Ông Cao Đức Huy sinh năm 1958.'), day, news)).toBe(FACT.none);
    expect(factStrength(readSentence('Ông Cao Đức Huy sinh năm 1958.'), day)).toBe(FACT.weak);
    expect(factStrength(readSentence('Theo kế hoạch, đầu tháng 12 hệ thống sẽ hoàn thành.'), day, news)).toBe(FACT.none);
    expect(factStrength(readSentence('Ông Huy bị bắt ngày 10/5.'), day, news)).toBe(FACT.strong);
    expect(factStrength(readSentence('Ông Huy bị bắt hôm 27 tháng 8.'), day, news)).toBe(FACT.strong);
    const year = readAskedFact('Ông Huy bị bắt năm nào?');
    expect(factStrength(readSentence('Ông Huy bị bắt ngày 1/10/2004.'), year, news)).toBe(FACT.strong);
    expect(factStrength(readSentence('Ông Huy bị bắt ngày 1/10.'), year, news)).toBe(FACT.none);
    // A date the question already gives is no answer, whatever its parts.
    expect(factStrength(readSentence('Bản tin an ninh tháng 5 xử lý lỗi này.'), readAskedFact('Bản vá tháng 5 được tung ra ngày nào?'), news)).toBe(FACT.none);
    expect(factStrength(readSentence('Ông Huy bị bắt năm 2004.'), readAskedFact('Ông Huy bị bắt khi nào?'), news)).toBe(FACT.strong);
  });

  it('"ai" in news is not answered by a place\'s name: only a foreign-spelt name is weak evidence of a person', () => {
    const asked = readAskedFact('Ai là người đã phát hiện ra hang Cueva del Fantasma?');
    const news = { news: true };
    expect(factStrength(readSentence('Báo giới Trung Quốc cho biết hang rất rộng.'), asked, news)).toBe(FACT.none);
    expect(factStrength(readSentence('Trong tiếng Tây Ban Nha, tên hang có nghĩa "Hang Ma".'), asked, news)).toBe(FACT.none);
    expect(factStrength(readSentence('Theo Charles Brewer, hang rất rộng.'), asked, news)).toBe(FACT.weak);
    // Chinese names, spelt in Vietnamese, begin with a surname.
    expect(factStrength(readSentence('Thuyết này do Giang Trạch Dân đề xướng.'), readAskedFact('Thuyết này do ai đề xướng?'), news)).toBe(FACT.strong);
    // A reference text spells historical names in Vietnamese: any new capitalised name may be one.
    const successor = readAskedFact('Ai thay thế Cơ Xương làm thủ lĩnh bộ lạc?');
    expect(factStrength(readSentence('Người lên thay là Cơ Phát.'), successor)).toBe(FACT.weak);
    expect(factStrength(readSentence('Người lên thay là Cơ Phát.'), successor, { news: true })).toBe(FACT.none);
  });

  it('a fee ("cát-xê", "thù lao") is a sum of money, typed with or without tones', () => {
    expect(readAskedFact('Bùi Thị Diễm được trả cát-xê bao nhiêu cho vai diễn đầu tay?').unit).toBe('money');
    expect(readAskedFact('luat su nhan thu lao bao nhieu?').unit).toBe('money');
    const asked = readAskedFact('Cô được trả cát-xê bao nhiêu cho vai diễn?');
    expect(factStrength(readSentence('Cô đang nghiền ngẫm kịch bản cho vai diễn đầu tiên năm 2004.'), asked)).toBe(FACT.none);
    expect(factStrength(readSentence('Cát-xê cho vai diễn là 20 triệu đồng.'), asked)).toBe(FACT.exact);
  });
});
