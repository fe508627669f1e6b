import type { DisputeType } from '../workflows/rules/dispute-rules.types';

/**
 * What the demo's disputes are about, per type: titles, what the applicant says, what an
 * agreement says. Invented, in the words a workstation's register uses.
 */
export interface DisputeSketch {
  type: DisputeType;
  /** Who holds such a case in the demo: the community workstation, the town, or the competent department. */
  desk: 'community' | 'street' | 'labour' | 'medical';
  /** The respondent is an organisation (an employer, a property company, a builder). */
  againstCompany: boolean;
  titles: readonly string[];
  descriptions: readonly string[];
  terms: readonly string[];
  amount?: readonly [number, number];
}

export const disputeSketches: readonly DisputeSketch[] = [
  {
    type: 'neighbourhood',
    desk: 'community',
    againstCompany: false,
    titles: [
      '楼上漏水邻里纠纷',
      '噪音扰民纠纷',
      '楼道堆物纠纷',
      '空调外机位置纠纷',
      '宠物扰邻纠纷',
      '共用墙体开裂纠纷',
    ],
    descriptions: [
      '申请人称楼上住户卫生间漏水，导致其天花板渗水发霉，多次协商未果。',
      '申请人反映邻居夜间装修、播放音乐，影响老人和孩子休息。',
      '双方因楼道内堆放杂物、占用公共通道发生争执。',
      '被申请人新装空调外机正对申请人卧室窗户，噪音和热风影响生活。',
    ],
    terms: [
      '被申请人于本月底前修复卫生间防水，并赔偿申请人维修费 3,000 元。',
      '被申请人承诺晚上十时后不再装修施工，双方互相谅解。',
      '被申请人一周内清理楼道杂物，今后不再占用公共通道。',
    ],
    amount: [500, 8000],
  },
  {
    type: 'family',
    desk: 'community',
    againstCompany: false,
    titles: ['赡养费纠纷', '房屋继承纠纷', '婚姻家庭矛盾', '老人居住安排纠纷'],
    descriptions: [
      '申请人年迈多病，要求子女按月支付赡养费并轮流照料。',
      '兄弟姐妹之间就父母遗留房屋的分配产生争议。',
      '夫妻双方因家庭开支和子女教育问题矛盾激化，申请调解。',
    ],
    terms: [
      '三名子女每月各支付赡养费 800 元，每月 5 日前转入申请人账户。',
      '房屋由长子继承，长子于三个月内分别向其他继承人支付折价款。',
    ],
    amount: [5000, 300000],
  },
  {
    type: 'property_management',
    desk: 'community',
    againstCompany: true,
    titles: ['物业费欠缴纠纷', '停车位收费纠纷', '电梯维修费用分摊纠纷', '小区绿化改造纠纷'],
    descriptions: [
      '物业公司称业主拖欠两年物业费，业主认为物业服务不到位。',
      '业主对小区停车费上调有异议，与物业公司发生争执。',
      '电梯大修费用分摊方案未经业主大会表决，业主拒绝缴纳。',
    ],
    terms: [
      '业主于两个月内补缴物业费 4,200 元，物业公司减免滞纳金并限期整改保洁。',
      '停车费维持原标准至业主大会表决新方案。',
    ],
    amount: [1000, 20000],
  },
  {
    type: 'consumer',
    desk: 'community',
    againstCompany: true,
    titles: ['装修质量纠纷', '预付卡退费纠纷', '家电维修纠纷'],
    descriptions: [
      '申请人称装修公司使用材料与合同不符，墙面开裂，要求返工。',
      '健身房停业，申请人要求退还预付卡余额。',
    ],
    terms: ['装修公司于二十日内返工修复，并退还差价 2,500 元。', '经营者分两期退还预付卡余额 3,600 元。'],
    amount: [1000, 50000],
  },
  {
    type: 'land_requisition',
    desk: 'street',
    againstCompany: false,
    titles: ['集体土地征收补偿纠纷', '青苗补偿纠纷', '宅基地界址纠纷'],
    descriptions: [
      '村民对征地补偿款的分配方案有异议，认为家庭人口认定有误。',
      '征地范围内种植的苗木补偿标准存在争议。',
    ],
    terms: ['按核实后的家庭人口重新计算补偿款，差额 46,000 元于一个月内补发。'],
    amount: [20000, 800000],
  },
  {
    type: 'demolition_relocation',
    desk: 'street',
    againstCompany: true,
    titles: ['旧改安置房面积纠纷', '动迁过渡费纠纷', '房屋征收评估纠纷'],
    descriptions: [
      '被征收人认为房屋评估价格偏低，对补偿方案不满。',
      '动迁户反映过渡费未按期发放，生活困难。',
    ],
    terms: ['征收实施单位于十五日内补发过渡费 18,000 元，并按月足额发放。'],
    amount: [50000, 2000000],
  },
  {
    type: 'environmental',
    desk: 'street',
    againstCompany: true,
    titles: ['餐饮油烟扰民纠纷', '工地夜间施工噪音纠纷'],
    descriptions: ['沿街餐饮店油烟直排，周边居民多次投诉。', '工地夜间施工，居民无法休息。'],
    terms: ['餐饮店于十日内加装油烟净化设备，并经第三方检测达标。'],
  },
  {
    type: 'labour',
    desk: 'labour',
    againstCompany: true,
    titles: ['拖欠工资纠纷', '经济补偿金纠纷', '工伤待遇纠纷', '加班费纠纷'],
    descriptions: [
      '申请人在被申请人处从事保洁工作，被拖欠三个月工资。',
      '公司单方解除劳动合同，未支付经济补偿金。',
      '申请人在工作中受伤，公司未按规定支付工伤待遇。',
    ],
    terms: [
      '被申请人于十五日内一次性支付拖欠工资 16,500 元。',
      '被申请人支付经济补偿金 24,000 元，分两期付清。',
    ],
    amount: [3000, 120000],
  },
  {
    type: 'medical',
    desk: 'medical',
    againstCompany: true,
    titles: ['术后感染医疗纠纷', '误诊医疗纠纷', '用药不当医疗纠纷'],
    descriptions: ['患者术后出现感染，家属认为医院护理存在过错。', '患者家属认为医院未及时诊断，延误治疗。'],
    terms: ['医院一次性补偿患者医疗费、误工费等共计 58,000 元，双方不再就此事争议。'],
    amount: [10000, 500000],
  },
];
